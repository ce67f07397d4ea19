package io.postbridge.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.RunArguments;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.utils.GuiceProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;

import io.postbridge.server.startup.StartupFailure;
import io.postbridge.server.startup.StartupPreflight;

/**
 * The Postbridge server: James's memory app with a durable spool. Postbridge itself is loaded the stock way,
 * from {@code extensions-jars/} as listed in {@code conf/extensions.properties}.
 */
public final class PostbridgeServerMain {
    private static final Logger LOGGER = LoggerFactory.getLogger("io.postbridge.server");

    private PostbridgeServerMain() {
    }

    public static void main(String[] args) throws Exception {
        // Postbridge reports start-up failures itself (one line, then exit 1) instead of James's System.exit
        System.setProperty("james.exit.on.startup.error", "false");
        ExtraProperties.initialize();

        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .useWorkingDirectoryEnvProperty()
            .build();
        Path workingDirectory = Path.of(configuration.directories().getRootDirectory());
        Path confDirectory = workingDirectory.resolve("conf");

        List<String> problems;
        try {
            problems = new StartupPreflight(workingDirectory, confDirectory,
                RunArguments.from(args).contain(RunArguments.Argument.GENERATE_KEYSTORE)).problems();
        } catch (IOException e) {
            problems = List.of(e.getMessage());
        }
        if (!problems.isEmpty()) {
            problems.forEach(problem -> fail(problem));
            System.exit(1);
        }

        GuiceJamesServer server = createServer(configuration, args);
        try {
            server.start();
        } catch (Throwable e) {
            fail(StartupFailure.oneLine(e));
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));

        server.getProbe(ListenerReport.class).lines()
            .forEach(line -> LOGGER.info("Postbridge: {}", line));
        LOGGER.info("Postbridge: ready. Next: add your domain and users (README, 'First steps'), "
            + "then follow mail with GET /postbridge/events on WebAdmin");
    }

    public static GuiceJamesServer createServer(MemoryJamesConfiguration configuration, String[] args) {
        Module listenerReport = binder -> Multibinder.newSetBinder(binder, GuiceProbe.class)
            .addBinding().to(ListenerReport.class);
        return MemoryJamesServerMain.createServer(configuration)
            .combineWith(new FakeSearchMailboxModule(), listenerReport)
            .overrideWith(new RunArgumentsModule(args), new DurableSpoolModule());
    }

    /** On stderr, after James's own log output (which has the stack trace), so it is the last thing the operator reads. */
    private static void fail(String line) {
        System.err.println("Postbridge: start-up failed: " + line);
    }

}
