package io.postbridge.core.bounce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** Prints the parser's reading of each file, in the expected.tsv layout (a starting point when labelling). */
public final class CorpusDump {
    private CorpusDump() {
    }

    public static void main(String[] args) throws IOException {
        BounceParser parser = new BounceParser();
        try (Stream<Path> files = Files.list(Paths.get(args[0]))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".eml")).sorted()::iterator) {
                try (InputStream in = Files.newInputStream(file)) {
                    BounceReport report = parser.parse(in);
                    System.out.println(CorpusExpectations.line(file.getFileName().toString(), report));
                }
            }
        }
    }
}
