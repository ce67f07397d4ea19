package io.postbridge.server;

import java.util.ArrayList;
import java.util.List;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Provider;

import org.apache.james.imapserver.netty.IMAPServerFactory;
import org.apache.james.mailetcontainer.impl.CompositeProcessorImpl;
import org.apache.james.mailetcontainer.impl.JamesMailSpooler;
import org.apache.james.onami.lifecycle.DisposingStager;
import org.apache.james.onami.lifecycle.StageHandler;
import org.apache.james.onami.lifecycle.Stageable;
import org.apache.james.onami.lifecycle.Stager;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.server.persistence.JamesDatabase;

/**
 * How the Postbridge server stops: James calls {@link #stage()} (it replaces James's {@code Stager<PreDestroy>}).
 * James itself disposes its objects in the reverse order of their creation, and Postbridge's services (its store,
 * created lazily by the first hook or mailet that needs them) were created after the spooler, so they closed first,
 * while mail was still being processed: matchers failed, and the mail was bounced. Here, what uses those services
 * stops first, in this order:
 * <ol>
 *     <li>the SMTP and IMAP listeners (no new mail, no hook calls);</li>
 *     <li>the spooler: mail being processed is finished, the rest stays in the spool queue;</li>
 *     <li>the mail processors, and with them their mailets' delivery workers (RemoteDelivery, ApiDelivery): a mail
 *     being delivered is finished or stays in its queue;</li>
 *     <li>then everything else, as James does it (Postbridge's store, the queues' broker, ...);</li>
 *     <li>last, James's database.</li>
 * </ol>
 * James disposes the objects of steps 1 to 3 again in step 4: they are stopped by then, and James's stager ignores
 * what such a second dispose may throw.
 */
public final class OrderedShutdown implements Stager<PreDestroy> {
    private static final Logger LOGGER = LoggerFactory.getLogger(OrderedShutdown.class);

    private final DisposingStager<PreDestroy> james;
    private final Provider<SMTPServerFactory> smtpServers;
    private final Provider<IMAPServerFactory> imapServers;
    private final Provider<JamesMailSpooler> spooler;
    private final Provider<CompositeProcessorImpl> processors;
    private final Provider<JamesDatabase> database;

    @Inject
    OrderedShutdown(DisposingStager<PreDestroy> james, Provider<SMTPServerFactory> smtpServers,
                    Provider<IMAPServerFactory> imapServers, Provider<JamesMailSpooler> spooler,
                    Provider<CompositeProcessorImpl> processors, Provider<JamesDatabase> database) {
        this.james = james;
        this.smtpServers = smtpServers;
        this.imapServers = imapServers;
        this.spooler = spooler;
        this.processors = processors;
        this.database = database;
    }

    @Override
    public void register(Stageable stageable) {
        james.register(stageable);
    }

    @Override
    public void stage() {
        stage(null);
    }

    @Override
    public void stage(StageHandler stageHandler) {
        LOGGER.info("Postbridge: stopping: listeners, then the spooler, then the delivery workers, then the stores");
        step("SMTP and IMAP listeners", this::stopListeners);
        step("spooler", () -> spooler.get().dispose());
        step("mail processors and delivery workers", () -> processors.get().dispose());
        james.stage(stageHandler);
        step("James's database", () -> database.get().close());
        LOGGER.info("Postbridge: stopped");
    }

    /** All at once: each one waits about two seconds for Netty's graceful shutdown. */
    private void stopListeners() {
        List<AbstractConfigurableAsyncServer> listeners = new ArrayList<>(smtpServers.get().getServers());
        listeners.addAll(imapServers.get().getServers());
        listeners.parallelStream().forEach(AbstractConfigurableAsyncServer::destroy);
    }

    @Override
    public Class<PreDestroy> getStage() {
        return PreDestroy.class;
    }

    /** A step that fails is logged and the stop goes on: the next steps still close what they can. */
    private static void step(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOGGER.warn("Postbridge: stopping the {} failed", what, e);
        }
    }
}
