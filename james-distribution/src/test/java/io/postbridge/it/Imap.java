package io.postbridge.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;

/**
 * A real IMAP client (javax.mail, which James ships) reading a user's INBOX the way a mail program does: STARTTLS on
 * the plain port (required before LOGIN) or implicit TLS, any certificate (the test server's is self-signed).
 */
public final class Imap {
    private Imap() {
    }

    /** The subjects in the user's INBOX, oldest first. */
    public static List<String> inboxSubjects(int port, boolean implicitTls, String user, String password)
        throws MessagingException {
        Store store = connect(port, implicitTls, user, password);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                List<String> subjects = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    subjects.add(message.getSubject());
                }
                return subjects;
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    private static Store connect(int port, boolean implicitTls, String user, String password) throws MessagingException {
        String protocol = implicitTls ? "imaps" : "imap";
        Properties properties = new Properties();
        properties.setProperty("mail." + protocol + ".ssl.trust", "*");
        properties.setProperty("mail." + protocol + ".ssl.checkserveridentity", "false");
        properties.setProperty("mail." + protocol + ".connectiontimeout", "10000");
        properties.setProperty("mail." + protocol + ".timeout", "10000");
        if (!implicitTls) {
            properties.setProperty("mail.imap.starttls.enable", "true");
            properties.setProperty("mail.imap.starttls.required", "true");
        }
        Store store = Session.getInstance(properties).getStore(protocol);
        store.connect("127.0.0.1", port, user, password);
        return store;
    }
}
