package io.postbridge.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javax.annotation.PreDestroy;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.jmap.api.filtering.FilteringManagement;
import org.apache.james.jmap.api.filtering.impl.EventSourcingFilteringManagement;
import org.apache.james.jmap.draft.utils.JsoupHtmlTextExtractor;
import org.apache.james.util.html.HtmlTextExtractor;
import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.RunArguments;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.modules.server.DKIMMailetModule;
import org.apache.james.modules.server.DLPRoutesModule;
import org.apache.james.modules.server.DataRoutesModules;
import org.apache.james.modules.server.MailQueueRoutesModule;
import org.apache.james.modules.server.MailRepositoriesRoutesModule;
import org.apache.james.modules.server.MailboxRoutesModule;
import org.apache.james.modules.server.MailetContainerModule;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.RawPostDequeueDecoratorModule;
import org.apache.james.modules.server.SieveRoutesModule;
import org.apache.james.modules.server.VacationRoutesModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.onami.lifecycle.Stager;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.GuiceProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.util.Modules;

import io.postbridge.server.persistence.JamesDatabaseModule;
import io.postbridge.server.persistence.JpaDataModule;
import io.postbridge.server.persistence.JpaMailboxModule;
import io.postbridge.server.persistence.JpaUsersRepositoryModule;
import io.postbridge.server.startup.ServerDirectoryLock;
import io.postbridge.server.startup.StartupFailure;
import io.postbridge.server.startup.StartupPreflight;

/**
 * The Postbridge server: James's memory app with a durable spool, and James's own state (domains, users, RRT,
 * mailboxes, the mail repository list) in James's JPA implementations on embedded Derby (or PostgreSQL). Postbridge
 * itself is loaded the stock way, from {@code extensions-jars/} as listed in {@code conf/extensions.properties}.
 */
public final class PostbridgeServerMain {
    private static final Logger LOGGER = LoggerFactory.getLogger("io.postbridge.server");

    /**
     * The memory app's WebAdmin routes without the JMAP-only ones ({@code UserIdentityModule}) and without the
     * deleted-message vault and mailbox export, which the JPA mailbox does not feed.
     */
    private static final Module WEBADMIN = Modules.combine(new WebAdminServerModule(), new DataRoutesModules(),
        new VacationRoutesModule(), new DLPRoutesModule(), new MailboxRoutesModule(), new MailQueueRoutesModule(),
        new MailRepositoriesRoutesModule(), new SieveRoutesModule());

    /**
     * What the memory app's JMAP modules bound that the rest of James needs (as James's JPA app binds it), and the HTML
     * text extractor of VacationMailet, which conf/mailetcontainer.xml lists for James's start-up check on images where
     * JMAP is on (JMAP's own module binds it there).
     */
    private static final Module JMAP_REPLACEMENTS = Modules.combine(new NoJwtModule(), new RawPostDequeueDecoratorModule(),
        binder -> binder.bind(MailetContainerModule.DefaultProcessorsConfigurationSupplier.class)
            .toInstance(BaseHierarchicalConfiguration::new),
        binder -> binder.bind(HtmlTextExtractor.class).to(JsoupHtmlTextExtractor.class),
        // and JMAPFiltering's rules, which only JMAP can set: with JMAP off there are none, so memory is enough
        binder -> {
            binder.bind(EventSourcingFilteringManagement.class).in(Scopes.SINGLETON);
            binder.bind(FilteringManagement.class).to(EventSourcingFilteringManagement.class);
            binder.bind(EventSourcingFilteringManagement.ReadProjection.class).to(EventSourcingFilteringManagement.NoReadProjection.class);
        });

    /** Held until the process ends (a lock whose channel is garbage-collected would be released). */
    private static ServerDirectoryLock directoryLock;

    private PostbridgeServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int commonPool = CommonPoolParallelism.atLeastTwo(); // first: see its comment
        // Postbridge reports start-up failures itself (one line, then exit 1) instead of James's System.exit
        System.setProperty("james.exit.on.startup.error", "false");
        ExtraProperties.initialize();

        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .useWorkingDirectoryEnvProperty()
            .build();
        Path workingDirectory = Path.of(configuration.directories().getRootDirectory());
        Path confDirectory = workingDirectory.resolve("conf");
        Path varDirectory = workingDirectory.resolve("var");

        // before anything opens a file under var/: a second server must not touch the databases and queues
        Optional<ServerDirectoryLock> lock;
        try {
            lock = ServerDirectoryLock.tryAcquire(varDirectory);
        } catch (IOException e) {
            fail("cannot lock " + varDirectory.resolve(ServerDirectoryLock.FILE) + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        if (lock.isEmpty()) {
            fail(ServerDirectoryLock.ownedByAnotherServer(varDirectory));
            System.exit(1);
            return;
        }
        directoryLock = lock.get();
        System.setProperty("derby.stream.error.file", varDirectory.resolve("log/derby.log").toString());

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

        if (commonPool < CommonPoolParallelism.MINIMUM) {
            LOGGER.info("Postbridge: the JVM's common pool has {} thread(s): each API delivery's HTTP answer starts a thread"
                + " (-D{}={} avoids it)", commonPool, CommonPoolParallelism.PROPERTY, CommonPoolParallelism.MINIMUM);
        }
        server.getProbe(ListenerReport.class).lines()
            .forEach(line -> LOGGER.info("Postbridge: {}", line));
        LOGGER.info("Postbridge: ready. Next: add your domain and users (README, 'First steps'), "
            + "then follow mail with GET /postbridge/events on WebAdmin");
    }

    /**
     * The memory app's modules without JMAP (its start-up check requires mailbox ACLs and message ids, which the JPA
     * mailbox does not have), overridden by the durable spool and James's JPA data and mailbox.
     */
    public static GuiceJamesServer createServer(MemoryJamesConfiguration configuration, String[] args) {
        Module listenerReport = binder -> Multibinder.newSetBinder(binder, GuiceProbe.class)
            .addBinding().to(ListenerReport.class);
        Module orderedShutdown = binder -> binder.bind(new TypeLiteral<Stager<PreDestroy>>() { })
            .to(OrderedShutdown.class).in(Scopes.SINGLETON);
        Module relocatableQueue = binder -> binder.bind(FileSystem.class)
            .toInstance(new RelocatableQueueFileSystem(new FileSystemImpl(configuration.directories())));
        return GuiceJamesServer.forConfiguration(configuration)
            .combineWith(MemoryJamesServerMain.IN_MEMORY_SERVER_MODULE, MemoryJamesServerMain.PROTOCOLS, WEBADMIN,
                JMAP_REPLACEMENTS, new DKIMMailetModule())
            .combineWith(new UsersRepositoryModuleChooser(new JpaUsersRepositoryModule())
                .chooseModules(configuration.getUsersRepositoryImplementation()))
            .combineWith(new FakeSearchMailboxModule(), listenerReport)
            .overrideWith(new RunArgumentsModule(args), new DurableSpoolModule(), new JamesDatabaseModule(),
                new JpaDataModule(), new JpaMailboxModule(), orderedShutdown, relocatableQueue);
    }

    /** On stderr, after James's own log output (which has the stack trace), so it is the last thing the operator reads. */
    private static void fail(String line) {
        System.err.println("Postbridge: start-up failed: " + line);
    }

}
