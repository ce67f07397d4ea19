package io.postbridge.core.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * Signatures per second, one thread: {@code mvn -B -pl core -Pbench test-compile exec:exec}.
 * "sign" is the whole job for one message (parse, canonicalize, hash body and headers, sign); "keyOnly" is the
 * private-key operation alone, the part that differs between RSA-2048 and Ed25519.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DkimSigningBenchmark {
    @Param({"rsa-sha256", "ed25519-sha256"})
    public String algorithm;

    /** A 2 KB text message and a 60 KB multipart message with a base64 attachment. */
    @Param({"19-multipart-alternative.eml", "20-multipart-mixed-base64.eml"})
    public String message;

    private DkimSigner signer;
    private List<DkimSigningKey> keys;
    private byte[] bytes;
    private DkimPrivateKey key;
    private final byte[] headerData = new byte[600];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        DkimAlgorithm a = DkimAlgorithm.parse(algorithm);
        key = new DkimKeyGenerator().generate(a, 2048);
        keys = List.of(new DkimSigningKey("example.com", "bench", key));
        signer = DkimSigner.withDefaults(Clock.systemUTC());
        try (InputStream in = DkimSigningBenchmark.class.getResourceAsStream("/dkim-corpus/" + message)) {
            if (in == null) {
                throw new IOException("no corpus message " + message);
            }
            bytes = in.readAllBytes();
        }
    }

    @Benchmark
    public byte[] sign() throws DkimSigningException {
        return signer.sign(bytes, keys);
    }

    @Benchmark
    public byte[] keyOnly() {
        return key.sign(headerData);
    }
}
