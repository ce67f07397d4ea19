package io.postbridge.core.bounce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The labels of a corpus folder: {@code expected.tsv}, one line per file:
 * {@code file <TAB> kind <TAB> recipients (addr status hard|soft|unknown reason, ";"-separated)}.
 */
final class CorpusExpectations {
    private CorpusExpectations() {
    }

    static Map<String, String> read(Path folder) throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : Files.readAllLines(folder.resolve("expected.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            expected.put(line.substring(0, tab), line);
        }
        return expected;
    }

    static String line(String file, BounceReport report) {
        return file + "\t" + report.kind().wireName() + "\t" + report.recipients().stream()
            .map(r -> r.address() + " " + r.status().map(EnhancedStatus::toString).orElse("-") + " " + r.hardness().wireName()
                + " " + r.reason().wireName())
            .collect(Collectors.joining(";"));
    }
}
