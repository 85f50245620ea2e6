using System.Text;
using Microsoft.EntityFrameworkCore;

namespace SmartECoupon.Storage.EfCore;

/// <summary>snake_case names for columns, keys and indexes, so raw SQL, RLS policies and psql sessions read naturally.</summary>
internal static class Naming
{
    public static void ApplySnakeCase(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            var table = entity.GetTableName() ?? throw new InvalidOperationException($"{entity.Name} has no table.");
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
            foreach (var key in entity.GetKeys())
            {
                key.SetName(key.IsPrimaryKey() ? $"pk_{table}" : $"ak_{table}_{string.Join("_", key.Properties.Select(p => ToSnakeCase(p.Name)))}");
            }
            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName($"{(index.IsUnique ? "ux" : "ix")}_{table}_{string.Join("_", index.Properties.Select(p => ToSnakeCase(p.Name)))}");
            }
            foreach (var foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName($"fk_{table}_{foreignKey.PrincipalEntityType.GetTableName()}_{string.Join("_", foreignKey.Properties.Select(p => ToSnakeCase(p.Name)))}");
            }
        }
    }

    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    builder.Append('_');
                }
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
