package io.postbridge.core.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Messages parsed per second on one thread, cycling through a folder of bounces:
 * {@code mvn -B -pl core -Pbench test-compile exec:exec -Dbench.include=BounceParserBenchmark}.
 * {@code corpus=repo} is the in-repository labelled corpus; any other value is a folder read recursively (for
 * example an unpacked sisimai/set-of-emails maildir/bsd, the set Sisimai's ~900 msg/s was measured on).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BounceParserBenchmark {
    @Param({"repo"})
    public String corpus;

    private final BounceParser parser = new BounceParser();
    private List<byte[]> messages;
    private int next;

    @Setup(Level.Trial)
    public void load() throws IOException, URISyntaxException {
        Path root = corpus.equals("repo") ? Paths.get(getClass().getResource("/bounce-corpus").toURI()) : Paths.get(corpus);
        try (Stream<Path> files = Files.walk(root)) {
            messages = files.filter(f -> f.toString().endsWith(".eml")).sorted().map(BounceParserBenchmark::read)
                .collect(Collectors.toList());
        }
    }

    @Benchmark
    public BounceReport parse() throws IOException {
        byte[] message = messages.get(next);
        next = (next + 1) % messages.size();
        return parser.parse(new ByteArrayInputStream(message));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
