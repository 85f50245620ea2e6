using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Options;
using SmartECoupon.Operations;

namespace SmartECoupon.WebHost.Operations;

/// <summary>Sends an outbox message as an e-mail.</summary>
internal interface IMailSender
{
    Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// The sample's default: each message becomes an <c>.eml</c> file in the pickup folder, ready for a mail server's pickup
/// service. With <c>Host:Mail:SmtpHost</c> set, the SMTP sender is used instead.
/// </summary>
internal sealed class MailSender(IOptionsMonitor<HostOperationsOptions> options, IWebHostEnvironment environment) : IMailSender
{
    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Mail;
        using var mail = new MailMessage
        {
            From = new MailAddress(settings.From),
            Subject = message.Subject,
            Body = message.Body,
            BodyEncoding = System.Text.Encoding.UTF8,
            SubjectEncoding = System.Text.Encoding.UTF8,
        };
        // A member without an address gets a placeholder in a reserved domain, so the file shows who it was for.
        mail.To.Add(new MailAddress(message.RecipientEmail ?? $"{message.MemberId}@{message.TenantId}.invalid", message.RecipientName));
        mail.Headers.Add("X-SmartECoupon-Message", message.Id);
        using var client = new SmtpClient();
        if (settings.SmtpHost is { Length: > 0 } host)
        {
            client.Host = host;
            client.Port = settings.SmtpPort;
            client.EnableSsl = settings.SmtpEnableSsl;
            if (settings.SmtpUser is { } user)
            {
                client.Credentials = new NetworkCredential(user, settings.SmtpPassword);
            }
        }
        else
        {
            var folder = Path.Combine(environment.ContentRootPath, settings.PickupFolder);
            Directory.CreateDirectory(folder);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = folder;
        }
        await client.SendMailAsync(mail, cancellationToken);
    }
}
