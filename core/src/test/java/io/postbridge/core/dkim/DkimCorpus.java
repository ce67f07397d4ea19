package io.postbridge.core.dkim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The test corpus in src/test/resources/dkim-corpus (see make-corpus.py there). */
public final class DkimCorpus {
    private DkimCorpus() {
    }

    /** System property {@code postbridge.dkim.corpus.dir} (other modules' tests), else the test classpath. */
    public static Path directory() {
        String configured = System.getProperty("postbridge.dkim.corpus.dir");
        if (configured != null && !configured.isEmpty()) {
            return Paths.get(configured);
        }
        try {
            return Paths.get(DkimCorpus.class.getResource("/dkim-corpus/01-plain-ascii-crlf.eml").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Path> messages() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(String name) {
        try {
            return Files.readAllBytes(directory().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
