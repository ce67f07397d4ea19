package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Issue 10: no two classes parse durations differently. Every main class of every module turns text into a duration
 * through core's {@code Durations} (behind {@code SettingsReader} and {@code JsonBody}); nobody else calls the JDK's
 * parsers or reads units by hand.
 */
class OneDurationGrammarTest {
    private static final Pattern OWN_DURATION_PARSING = Pattern.compile(
        "Duration\\.parse\\(|Durations\\.parse\\(|ChronoUnit\\.valueOf\\(|TimeUnit\\.valueOf\\(|Period\\.parse\\(");
    private static final Path DURATIONS = Path.of("core", "src", "main", "java", "io", "postbridge", "core", "config", "Durations.java");
    private static final Path SETTINGS_READER = DURATIONS.resolveSibling("SettingsReader.java");
    private static final Path JSON_BODY = Path.of("auth-plugin", "src", "main", "java", "io", "postbridge", "auth", "webadmin", "JsonBody.java");

    @Test
    void onlyTheSettingsReaderAndTheWebAdminToolkitParseDurationsAndBothThroughDurations() throws IOException {
        Path root = Path.of("..");
        List<Path> parsing = new ArrayList<>();
        for (String module : List.of("core", "mailets", "matchers", "auth-plugin", "james-distribution")) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src").resolve("main").resolve("java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList())) {
                    if (OWN_DURATION_PARSING.matcher(Files.readString(file)).find()) {
                        parsing.add(root.relativize(file));
                    }
                }
            }
        }
        assertThat(parsing).as("main classes that turn text into a duration").isNotEmpty()
            .allMatch(file -> file.equals(DURATIONS) || file.equals(SETTINGS_READER) || file.equals(JSON_BODY));
        assertThat(Files.readString(root.resolve(JSON_BODY))).contains("Durations::parse");
        assertThat(Files.readString(root.resolve(SETTINGS_READER))).contains("Durations.parse(");
    }
}
