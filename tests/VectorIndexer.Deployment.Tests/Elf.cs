using System.Text;

namespace VectorIndexer.Deployment.Tests;

/// <summary>Reads the shared libraries an ELF64 little-endian file links (its DT_NEEDED entries), as <c>readelf -d</c> shows them.</summary>
internal static class Elf
{
    private const uint SectionTypeDynamic = 6;
    private const long TagNeeded = 1;

    public static IReadOnlyList<string> NeededLibraries(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var magic = reader.ReadBytes(6);
        if (magic.Length < 6 || magic[0] != 0x7F || magic[1] != (byte)'E' || magic[2] != (byte)'L' || magic[3] != (byte)'F' || magic[4] != 2 || magic[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file.");
        }

        stream.Position = 0x28;
        var sectionHeaders = reader.ReadInt64();
        stream.Position = 0x3A;
        var sectionHeaderSize = reader.ReadUInt16();
        var sectionCount = reader.ReadUInt16();

        (long Offset, long Size, uint Link) Section(int index)
        {
            stream.Position = sectionHeaders + (index * (long)sectionHeaderSize);
            reader.ReadUInt32(); // name
            var type = reader.ReadUInt32();
            reader.ReadUInt64(); // flags
            reader.ReadUInt64(); // address
            var offset = reader.ReadInt64();
            var size = reader.ReadInt64();
            var link = reader.ReadUInt32();
            return (type == SectionTypeDynamic ? offset : -offset - 1, size, link);
        }

        var needed = new List<string>();
        for (var i = 0; i < sectionCount; i++)
        {
            var (offset, size, link) = Section(i);
            if (offset < 0)
            {
                continue;
            }

            var strings = Section((int)link);
            var stringTable = strings.Offset < 0 ? -strings.Offset - 1 : strings.Offset;
            for (var entry = 0L; entry < size; entry += 16)
            {
                stream.Position = offset + entry;
                var tag = reader.ReadInt64();
                var value = reader.ReadInt64();
                if (tag == 0)
                {
                    break;
                }

                if (tag == TagNeeded)
                {
                    needed.Add(ReadString(stream, stringTable + value));
                }
            }
        }

        return needed;
    }

    private static string ReadString(Stream stream, long position)
    {
        stream.Position = position;
        var bytes = new List<byte>();
        int b;
        while ((b = stream.ReadByte()) > 0)
        {
            bytes.Add((byte)b);
        }

        return Encoding.ASCII.GetString([.. bytes]);
    }
}
