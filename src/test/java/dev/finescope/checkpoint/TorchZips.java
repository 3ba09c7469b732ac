package dev.finescope.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Builds zip archives in torch.save's layout, and variations of real ones, for tests. */
final class TorchZips {

    private TorchZips() {
    }

    /** Writes {@code entries} (name → bytes, in order) as a zip, each entry stored or deflated. */
    static Path write(Path out, Map<String, byte[]> entries, boolean deflate) throws IOException {
        try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                byte[] data = e.getValue();
                if (deflate) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(data.length);
                    entry.setCompressedSize(data.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(data);
                zip.closeEntry();
            }
        }
        return out;
    }

    /** A torch-layout archive {@code archive/…} holding {@code pickle} as data.pkl and the given storages. */
    static Path torchArchive(Path out, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        for (Map.Entry<String, byte[]> s : storages.entrySet()) {
            entries.put("archive/data/" + s.getKey(), s.getValue());
        }
        entries.put("archive/version", "3\n".getBytes());
        return write(out, entries, false);
    }

    /** The entries of an existing zip, in order. */
    static Map<String, byte[]> read(Path zipFile) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }

    /** A copy of {@code source} without the entries {@code drop} matches, plus {@code add}. */
    static Path rewrite(Path source, Path out, Predicate<String> drop, Map<String, byte[]> add, boolean deflate)
            throws IOException {
        Map<String, byte[]> entries = read(source);
        entries.keySet().removeIf(drop);
        entries.putAll(add);
        return write(out, entries, deflate);
    }
}
