package io.postbridge.it;

import java.util.Map;
import java.util.function.Consumer;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerBuilder;
import org.apache.james.JamesServerExtension;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.utils.WebAdminGuiceProbe;

import io.postbridge.server.ListenerReport;
import io.postbridge.server.PostbridgeServerMain;

/**
 * Boots the Postbridge server in-process, exactly as {@code bin/postbridge} assembles it (memory app, durable
 * spool, Postbridge loaded through conf/extensions.properties), on a copy of the repository's conf/ with
 * loopback listeners on OS-chosen ports plus the test's own edits.
 */
public final class PostbridgeJames {
    public static final String INBOUND = "inbound";
    public static final String SUBMISSION = "submission";
    public static final String SMTPS = "smtps";

    private PostbridgeJames() {
    }

    public static JamesServerExtension extension(Consumer<ConfFolder> edits) {
        return extension(edits, binder -> { });
    }

    /** With extra Guice modules for the test (for instance {@link ExtensionProbe#MODULE}). */
    public static JamesServerExtension extension(Consumer<ConfFolder> edits, com.google.inject.Module... testModules) {
        return extensionOverriding(edits, binder -> { }, testModules);
    }

    /**
     * With a module that replaces some of the server's own bindings, for behaviour that James shows only in another
     * deployment (for instance {@link DelayIgnoringMailQueues}: the RabbitMQ queue's handling of delays).
     */
    public static JamesServerExtension extensionOverriding(Consumer<ConfFolder> edits, com.google.inject.Module override,
                                                           com.google.inject.Module... testModules) {
        return new JamesServerBuilder<MemoryJamesConfiguration>(tmpDir -> {
            ConfFolder conf = ConfFolder.copyOf(ConfFolder.source(), tmpDir.toPath().resolve("conf")).loopbackAnyPorts();
            edits.accept(conf);
            return MemoryJamesConfiguration.builder()
                .workingDirectory(tmpDir)
                .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
                .build();
        })
            .server(configuration -> PostbridgeServerMain.createServer(configuration, new String[] {"--generate-keystore"})
                .overrideWith(override)
                .combineWith(testModules))
            .lifeCycle(JamesServerExtension.Lifecycle.PER_CLASS)
            .build();
    }

    /** SMTP ports by listener name ({@link #INBOUND}, {@link #SUBMISSION}, {@link #SMTPS}). */
    public static Map<String, Integer> smtpPorts(GuiceJamesServer server) throws Exception {
        return server.getProbe(ListenerReport.class).smtpPortsByName();
    }

    public static WebAdmin webAdmin(GuiceJamesServer server) {
        return new WebAdmin(server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue());
    }
}
