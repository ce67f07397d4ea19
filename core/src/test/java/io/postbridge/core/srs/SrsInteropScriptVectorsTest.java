package io.postbridge.core.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Reads the vector table out of {@code tools/srs-interop.sh} (the script CI runs against Mail::SRS and postsrsd)
 * and reproduces every row with the Java codec, so the two can never drift apart.
 */
class SrsInteropScriptVectorsTest {
    static final Path SCRIPT = Path.of(System.getProperty("postbridge.tools.dir", "../tools"), "srs-interop.sh");

    @Test
    void javaReproducesEveryVectorOfTheInteropScript() throws Exception {
        List<String[]> vectors = vectors();
        assertThat(vectors).hasSizeGreaterThanOrEqualTo(8);

        SrsCodec codec = new SrsCodec(SrsSettings.builder().secret(scriptValue("SECRET")).build(), SrsCodecTest.VECTOR_CLOCK);
        assertThat(scriptValue("CLOCK")).isEqualTo("2025-01-15 12:00:00");
        for (String[] vector : vectors) {
            String op = vector[0];
            String input = vector[1];
            String expected = vector[3];
            String actual = op.equals("fwd") ? codec.forward(input, vector[2]) : codec.reverse(input);
            assertThat(actual).as("%s %s", op, input).isEqualTo(expected);
        }
    }

    /** Tab-separated rows between {@code VECTORS=$(cat <<'EOF'} and {@code EOF}: op, input, alias domain, expected. */
    static List<String[]> vectors() throws Exception {
        List<String[]> rows = new ArrayList<>();
        boolean inside = false;
        for (String line : Files.readAllLines(SCRIPT, StandardCharsets.UTF_8)) {
            if (line.startsWith("VECTORS=")) {
                inside = true;
            } else if (inside && line.equals("EOF")) {
                break;
            } else if (inside && !line.isBlank()) {
                String[] fields = line.split("\t");
                assertThat(fields).as("vector line '%s'", line).hasSize(4);
                rows.add(fields);
            }
        }
        return rows;
    }

    static String scriptValue(String variable) throws Exception {
        for (String line : Files.readAllLines(SCRIPT, StandardCharsets.UTF_8)) {
            if (line.startsWith(variable + "=")) {
                return line.substring(variable.length() + 1).replace("'", "");
            }
        }
        throw new AssertionError(variable + " not found in " + SCRIPT);
    }
}
