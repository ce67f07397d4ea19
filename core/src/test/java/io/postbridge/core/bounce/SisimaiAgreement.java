package io.postbridge.core.bounce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Compares the parser with Sisimai's verdicts ({@code sisimai-truth.sh} JSON lines) file by file, on the first
 * recipient Sisimai names: found among Postbridge's, same hard/soft, same reason. Used by {@code SisimaiAgreementTest} on the in-repository
 * corpus and by {@code tools/bounce/sisimai-report.sh} on the public set-of-emails (never committed).
 * <p>Run: {@code java -cp ... io.postbridge.core.bounce.SisimaiAgreement TRUTH.jsonl [BASE_DIR]}
 */
public final class SisimaiAgreement {
    public int files;
    public int bothParsed;
    public int onlySisimai;
    public int onlyUs;
    public int sameRecipient;
    public int sameHardSoft;
    public int sameReason;
    public int sameStatus;
    public final List<String> differences = new ArrayList<>();
    public final Map<String, Integer> reasonConfusion = new TreeMap<>();

    public static SisimaiAgreement compare(Path truthJsonl, Path baseDir) throws IOException {
        SisimaiAgreement a = new SisimaiAgreement();
        ObjectMapper json = new ObjectMapper().enable(JsonParser.Feature.ALLOW_UNQUOTED_CONTROL_CHARS);
        BounceParser parser = new BounceParser();
        for (String line : Files.readAllLines(truthJsonl, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode truth = json.readTree(line);
            if (!truth.get("file").asText().endsWith(".eml")) {
                continue;
            }
            Path file = baseDir.resolve(truth.get("file").asText());
            if (!Files.isRegularFile(file)) {
                file = Paths.get(truth.get("file").asText());
            }
            BounceReport report;
            try (InputStream in = Files.newInputStream(file)) {
                report = parser.parse(in);
            }
            a.files++;
            boolean sisimai = truth.get("parsed").asInt() > 0;
            boolean us = !report.recipients().isEmpty();
            String name = file.getFileName().toString();
            if (sisimai && !us) {
                a.onlySisimai++;
                a.differences.add(name + ": only Sisimai: " + truth.get("recipient").asText() + " " + truth.get("reason").asText());
                continue;
            }
            if (!sisimai) {
                if (us) {
                    a.onlyUs++;
                    a.differences.add(name + ": only Postbridge: " + report.recipients().get(0));
                }
                continue;
            }
            a.bothParsed++;
            String recipient = truth.get("recipient").asText().toLowerCase(Locale.ROOT);
            // Sisimai lists recipients in the order of the human text, Postbridge in the order of the report
            BouncedRecipient first = report.recipients().stream().filter(x -> x.address().equals(recipient)).findFirst()
                .orElse(report.recipients().get(0));
            String hardsoft = truth.path("hardsoft").asText("unknown");
            String reason = truth.get("reason").asText();
            String status = truth.path("status").asText("");
            boolean r = first.address().equals(recipient);
            boolean h = first.hardness().wireName().equals(hardsoft);
            boolean c = first.reason().wireName().equals(reason);
            boolean s = first.status().map(EnhancedStatus::toString).orElse("").equals(status);
            a.sameRecipient += r ? 1 : 0;
            a.sameHardSoft += h ? 1 : 0;
            a.sameReason += c ? 1 : 0;
            a.sameStatus += s ? 1 : 0;
            if (!c) {
                a.reasonConfusion.merge(reason + " -> " + first.reason().wireName(), 1, Integer::sum);
            }
            if (!r || !h || !c) {
                a.differences.add(name + ": Sisimai " + recipient + " " + status + " " + hardsoft + " " + reason
                    + " | Postbridge " + first);
            }
        }
        return a;
    }

    public String summary() {
        return String.format(Locale.ROOT,
            "files=%d parsed-by-both=%d only-sisimai=%d only-postbridge=%d | of parsed-by-both: recipient %d (%.1f%%), "
                + "hard/soft %d (%.1f%%), reason %d (%.1f%%), status %d (%.1f%%)",
            files, bothParsed, onlySisimai, onlyUs, sameRecipient, pct(sameRecipient), sameHardSoft, pct(sameHardSoft),
            sameReason, pct(sameReason), sameStatus, pct(sameStatus));
    }

    private double pct(int n) {
        return bothParsed == 0 ? 0 : 100.0 * n / bothParsed;
    }

    public static void main(String[] args) throws IOException {
        SisimaiAgreement a = compare(Paths.get(args[0]), Paths.get(args.length > 1 ? args[1] : "."));
        if (Boolean.getBoolean("verbose")) {
            a.differences.forEach(System.out::println);
            a.reasonConfusion.forEach((k, v) -> System.out.println("  " + v + "  " + k));
        }
        System.out.println(a.summary());
    }
}
