package io.postbridge.core.dkim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.exceptions.FailException;
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
 * The baseline for {@link DkimSigningBenchmark}: stock James 3.8.1 signs with its {@code DKIMSign} mailet, which
 * calls jDKIM's {@link DKIMSigner} (RSA only, one key per mailet). Both sign the same messages with the same
 * RSA-2048 key in the same JMH run, so the README reports Postbridge as a ratio of this figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StockJamesDkimBenchmark {
    /** Same messages as DkimSigningBenchmark. */
    @Param({"19-multipart-alternative.eml", "20-multipart-mixed-base64.eml"})
    public String message;

    private byte[] bytes;
    private DKIMSigner stockJames;
    private DkimSigner postbridge;
    private List<DkimSigningKey> postbridgeKeys;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        DkimPrivateKey key = new DkimKeyGenerator().generate(DkimAlgorithm.RSA_SHA256, 2048);
        PrivateKey javaKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(key.pkcs8()));
        // the template an operator writes in DKIMSign's <signatureTemplate>, with Postbridge's header list
        stockJames = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=bench; "
            + "h=from:to:cc:subject:date:message-id:reply-to:mime-version:content-type:content-transfer-encoding; bh=; b=;",
            javaKey);
        postbridge = DkimSigner.withDefaults(Clock.systemUTC());
        postbridgeKeys = List.of(new DkimSigningKey("example.com", "bench", key));
        try (InputStream in = StockJamesDkimBenchmark.class.getResourceAsStream("/dkim-corpus/" + message)) {
            if (in == null) {
                throw new IOException("no corpus message " + message);
            }
            bytes = in.readAllBytes();
        }
    }

    @Benchmark
    public String stockJamesRsa() throws IOException, FailException {
        return stockJames.sign(new ByteArrayInputStream(bytes));
    }

    @Benchmark
    public byte[] postbridgeRsa() throws DkimSigningException {
        return postbridge.sign(bytes, postbridgeKeys);
    }
}
