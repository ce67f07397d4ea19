package io.postbridge.core.provider.graph;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

/**
 * Splits a message too large for one Graph request into a remainder (the message without its largest attachments,
 * small enough for a MIME draft) and the attachments taken out, largest first, until the remainder fits.
 * Message-ID and all other headers are kept.
 */
final class MimeSplitter {
    private static final Session SESSION = Session.getInstance(new Properties());

    static final class Split {
        final byte[] remainder;
        final List<DetachedAttachment> attachments;

        Split(byte[] remainder, List<DetachedAttachment> attachments) {
            this.remainder = remainder;
            this.attachments = attachments;
        }
    }

    private MimeSplitter() {
    }

    static Split split(byte[] message, long limit) throws MessagingException, IOException {
        KeepIdMessage mime = new KeepIdMessage(message);
        List<Candidate> candidates = new ArrayList<>();
        collect(mime, candidates);
        candidates.sort(Comparator.comparingLong((Candidate c) -> c.size).reversed());
        List<DetachedAttachment> detached = new ArrayList<>();
        byte[] remainder = message;
        for (Candidate candidate : candidates) {
            if (remainder.length <= limit) {
                break;
            }
            detached.add(candidate.detach());
            mime.saveChanges();
            remainder = bytes(mime);
        }
        return new Split(remainder, detached);
    }

    private static void collect(Part part, List<Candidate> out) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                if (child.isMimeType("multipart/*")) {
                    collect(child, out);
                } else if (isAttachment(child)) {
                    out.add(new Candidate(multipart, child));
                }
            }
        }
    }

    private static boolean isAttachment(BodyPart part) throws MessagingException {
        return Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null
            || (Part.INLINE.equalsIgnoreCase(part.getDisposition()) && !part.isMimeType("text/*"));
    }

    /** javax.mail's decoder streams may return 0 from read() before the end, which InputStream.readAllBytes takes for EOF. */
    private static byte[] decoded(BodyPart part) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(part.getSize(), 1024));
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = part.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static byte[] bytes(MimeMessage mime) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mime.writeTo(out);
        return out.toByteArray();
    }

    private static final class Candidate {
        final Multipart parent;
        final BodyPart part;
        final long size;

        Candidate(Multipart parent, BodyPart part) throws MessagingException {
            this.parent = parent;
            this.part = part;
            this.size = Math.max(part.getSize(), 0);
        }

        DetachedAttachment detach() throws MessagingException, IOException {
            byte[] content = decoded(part);
            String name = part.getFileName() == null ? "attachment" : MimeUtility.decodeText(part.getFileName());
            String contentType = new ContentType(part.getContentType()).getBaseType();
            String[] ids = part.getHeader("Content-ID");
            Optional<String> contentId = ids == null || ids.length == 0 ? Optional.empty()
                : Optional.of(ids[0].trim().replaceAll("^<|>$", ""));
            boolean inline = Part.INLINE.equalsIgnoreCase(part.getDisposition());
            parent.removeBodyPart(part);
            return new DetachedAttachment(name, contentType, content, inline, contentId);
        }
    }

    /** Saving changes must not invent a new Message-ID: the recipients' threading depends on the original. */
    private static final class KeepIdMessage extends MimeMessage {
        KeepIdMessage(byte[] message) throws MessagingException {
            super(SESSION, new ByteArrayInputStream(message));
        }

        @Override
        protected void updateMessageID() {
            // keep the submitted Message-ID
        }
    }
}
