package io.postbridge.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.subethamail.wiser.Wiser;
import org.subethamail.wiser.WiserMessage;

/**
 * A local SMTP server standing in for the outside world (a remote MX or an upstream relay).
 * Register it before the James extension so its port is known when the configuration is written.
 */
public class FakeMx implements BeforeAllCallback, AfterAllCallback {
    private final int port = freePort();
    private final java.util.Set<String> rejected = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> deferred = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private Wiser wiser;
    private volatile java.time.Duration latency = java.time.Duration.ZERO;
    private volatile java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);

    /** A slow remote server: each message is accepted only this long after its data arrived (a stop ends the wait). */
    public FakeMx withLatency(java.time.Duration latency) {
        this.latency = latency;
        return this;
    }

    /** Refuses RCPT TO for this address (553, permanent): an unknown mailbox at the remote side. */
    public FakeMx rejecting(String recipient) {
        rejected.add(recipient.toLowerCase(java.util.Locale.ROOT));
        return this;
    }

    /** Answers RCPT TO for this address with 451 (temporary) until {@link #stopDeferring}: the sender retries. */
    public FakeMx deferring(String recipient) {
        deferred.add(recipient.toLowerCase(java.util.Locale.ROOT));
        return this;
    }

    public FakeMx stopDeferring(String recipient) {
        deferred.remove(recipient.toLowerCase(java.util.Locale.ROOT));
        return this;
    }

    public int port() {
        return port;
    }

    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    public void start() {
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        stopping = stopped;
        wiser = new Wiser(port) {
            @Override
            public boolean accept(String from, String recipient) {
                if (deferred.contains(recipient.toLowerCase(java.util.Locale.ROOT))) {
                    throw new org.subethamail.smtp.RejectException(451, "4.3.0 try again later");
                }
                return !rejected.contains(recipient.toLowerCase(java.util.Locale.ROOT));
            }

            @Override
            public void deliver(String from, String recipient, java.io.InputStream data) throws java.io.IOException {
                if (!latency.isZero()) {
                    try {
                        stopped.await(latency.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.deliver(from, recipient, data);
            }
        };
        wiser.setHostname("mx.test");
        wiser.getServer().setBindAddress(java.net.InetAddress.getLoopbackAddress());
        wiser.start();
    }

    public void stop() {
        stopping.countDown();
        if (wiser != null) {
            wiser.stop();
            wiser = null;
        }
    }

    /** A copy of what arrived so far (Wiser's own list is written by its session threads while tests read it). */
    public List<WiserMessage> messages() {
        if (wiser == null) {
            return List.of();
        }
        List<WiserMessage> arrived = wiser.getMessages();
        synchronized (arrived) {
            return List.copyOf(arrived);
        }
    }

    public List<String> messageIds() {
        return messages().stream().map(FakeMx::messageId).collect(Collectors.toList());
    }

    public static String messageId(WiserMessage message) {
        try {
            MimeMessage mime = message.getMimeMessage();
            return mime.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
