package io.postbridge.it;

import java.util.List;

/** Free loopback ports for a server running as a separate process (its listeners are named in conf/). */
public final class Ports {
    public final int inbound = FakeMx.freePort();
    public final int submission = FakeMx.freePort();
    public final int smtps = FakeMx.freePort();
    public final int webAdmin = FakeMx.freePort();
    public final int imap = FakeMx.freePort();
    public final int imaps = FakeMx.freePort();

    public ConfFolder applyTo(ConfFolder conf) {
        conf.smtpBinds(List.of("127.0.0.1:" + inbound, "127.0.0.1:" + submission, "127.0.0.1:" + smtps));
        conf.imapBinds(List.of("127.0.0.1:" + imap, "127.0.0.1:" + imaps));
        return conf.property("webadmin.properties", "port", String.valueOf(webAdmin));
    }

    public WebAdmin webAdmin() {
        return new WebAdmin(webAdmin);
    }
}
