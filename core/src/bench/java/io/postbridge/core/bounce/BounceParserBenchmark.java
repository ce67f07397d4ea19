package io.postbridge.core.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Messages parsed per second on one thread, cycling through a folder of bounces:
 * {@code mvn -B -pl core -Pbench test-compile exec:exec -Dbench.include=BounceParserBenchmark}.
 * {@code corpus=repo} is the in-repository labelled corpus; any other value is a folder read recursively (for
 * example an unpacked sisimai/set-of-emails maildir/bsd, the set Sisimai's ~900 msg/s was measured on).
 * <p>After the JMH iterations the same run measures both parsers in CPU time, so other load on the machine disturbs
 * the comparison less than JMH's wall-clock figure: this parser by the benchmark thread's CPU time over
 * {@code cpuPasses} passes of the corpus (after as many warm-up passes), Sisimai 4 (Debian libsisimai-perl) by its
 * process's user+system time over {@code sisimaiPasses} passes in one perl process (after one warm-up pass), each
 * message parsed from memory. It prints msgs/s per core for both and the ratio ({@code sisimaiPasses=0} measures this
 * parser alone, {@code cpuPasses=0} skips the comparison).
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

    @Param({"20"})
    public int cpuPasses;

    @Param({"5"})
    public int sisimaiPasses;

    private final BounceParser parser = new BounceParser();
    private Path root;
    private List<byte[]> messages;
    private int next;

    @Setup(Level.Trial)
    public void load() throws IOException, URISyntaxException {
        root = corpus.equals("repo") ? Paths.get(getClass().getResource("/bounce-corpus").toURI()) : Paths.get(corpus);
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

    @TearDown(Level.Trial)
    public void compareWithSisimaiInCpuTime() throws IOException, InterruptedException {
        if (cpuPasses <= 0) {
            return;
        }
        double ours = cpuMessagesPerSecond(parser, messages, cpuPasses);
        double sisimai = sisimaiPasses <= 0 ? 0 : sisimaiCpuMessagesPerSecond(root, sisimaiPasses);
        System.out.println(String.format(Locale.ROOT,
            "%nCPU time, one core, %d messages of %s: Postbridge %.0f msg/s (%d passes), Sisimai %s msg/s (%d passes), ratio %s",
            messages.size(), root, ours, cpuPasses, sisimai > 0 ? String.format(Locale.ROOT, "%.0f", sisimai) : "n/a",
            sisimaiPasses, sisimai > 0 ? String.format(Locale.ROOT, "%.1fx", ours / sisimai) : "n/a"));
    }

    /** Messages per second of this thread's CPU time, after {@code passes} warm-up passes. */
    static double cpuMessagesPerSecond(BounceParser parser, List<byte[]> messages, int passes) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < passes; i++) {
            for (byte[] m : messages) {
                parser.parse(new ByteArrayInputStream(m));
            }
        }
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < passes; i++) {
            for (byte[] m : messages) {
                parser.parse(new ByteArrayInputStream(m));
            }
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        return (double) passes * messages.size() / (cpu / 1e9);
    }

    /**
     * Sisimai's messages per second of its own CPU time (user + system, perl's times()), every file read into memory
     * first and parsed as Sisimai->make(\$text) once before the timed passes; 0 when Sisimai is not installed.
     */
    static double sisimaiCpuMessagesPerSecond(Path root, int passes) throws IOException, InterruptedException {
        String script = "use strict; use warnings; use Sisimai; use File::Find;"
            + "my @f; find({wanted => sub { push @f, $File::Find::name if -f && /[.]eml$/ }, no_chdir => 1}, $ARGV[0]);"
            + "my @m = map { open(my $h, '<:raw', $_) or die $!; local $/; my $t = <$h>; close $h; $t } sort @f;"
            + "local $SIG{__WARN__} = sub {};"
            + "my $p = sub { for my $t (@m) { my $c = $t; eval { Sisimai->make(\\$c) } } };"
            + "$p->(); my @t0 = times; $p->() for 1 .. $ARGV[1]; my @t1 = times;"
            + "my $cpu = ($t1[0] - $t0[0]) + ($t1[1] - $t0[1]);"
            + "printf \"%d %.3f\\n\", scalar(@m) * $ARGV[1], $cpu;";
        Process perl;
        try {
            perl = new ProcessBuilder("perl", "-e", script, root.toString(), String.valueOf(passes)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return 0;
        }
        String out = new String(perl.getInputStream().readAllBytes()).trim();
        if (perl.waitFor() != 0 || !out.matches("\\d+ [0-9.]+")) {
            System.out.println("Sisimai not measured: " + out);
            return 0;
        }
        String[] parts = out.split(" ");
        return Double.parseDouble(parts[1]) <= 0 ? 0 : Long.parseLong(parts[0]) / Double.parseDouble(parts[1]);
    }

    /** The CPU-time comparison alone, without JMH: {@code java -cp ... BounceParserBenchmark DIR [passes] [sisimaiPasses]}. */
    public static void main(String[] args) throws Exception {
        BounceParserBenchmark b = new BounceParserBenchmark();
        b.corpus = args[0];
        b.cpuPasses = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        b.sisimaiPasses = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        b.load();
        b.compareWithSisimaiInCpuTime();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
