package io.postbridge.core.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The labelled corpus (bounce-corpus/: bounces made by a real Exim here, and hand-written RFC 3464/5965/3834
 * reports) gives the labelled kind and recipients, with LF, CRLF and CR-only line ends alike.
 */
class BounceCorpusTest {
    static Path corpus() {
        try {
            return Paths.get(BounceCorpusTest.class.getResource("/bounce-corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> messages() throws IOException {
        List<Arguments> all = new java.util.ArrayList<>();
        try (Stream<Path> folders = Files.list(corpus())) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().collect(Collectors.toList())) {
                Map<String, String> expected = CorpusExpectations.read(folder);
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".eml")).sorted().collect(Collectors.toList())) {
                        String name = file.getFileName().toString();
                        assertThat(expected).as("%s has a line in %s/expected.tsv", name, folder.getFileName()).containsKey(name);
                        for (String ending : List.of("LF", "CRLF", "CR")) {
                            all.add(Arguments.of(folder.getFileName() + "/" + name, ending, file, expected.get(name)));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("messages")
    void parsesAsLabelled(String name, String ending, Path file, String expected) throws IOException {
        String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        String converted = ending.equals("LF") ? text : text.replace("\n", ending.equals("CRLF") ? "\r\n" : "\r");
        BounceReport report = new BounceParser().parse(new ByteArrayInputStream(
            converted.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));

        assertThat(CorpusExpectations.line(file.getFileName().toString(), report)).isEqualTo(expected);
        assertThat(report.limitHit()).isEmpty();
    }
}
