namespace SmartECoupon;

/// <summary>Unpadded base64url (RFC 4648 §5), the alphabet of keys and tokens that travel in URLs and headers.</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static bool IsChar(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
}
