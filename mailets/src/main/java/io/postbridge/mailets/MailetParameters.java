package io.postbridge.mailets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import javax.mail.MessagingException;

import org.apache.mailet.base.GenericMailet;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.config.SettingsReader;

/** A Postbridge mailet's init parameters, read through core's {@link SettingsReader} like every other setting. */
final class MailetParameters {
    private MailetParameters() {
    }

    /**
     * The reader of the mailet's parameters, after refusing an unknown one (naming the nearest known parameter).
     *
     * @param bareName how a parameter name James passes becomes the name the operator wrote ({@code key[@domain]} is
     * {@code key})
     */
    static SettingsReader read(GenericMailet mailet, Collection<String> known, UnaryOperator<String> bareName) {
        List<String> present = new ArrayList<>();
        for (Iterator<String> names = mailet.getInitParameterNames(); names.hasNext(); ) {
            String name = bareName.apply(names.next()).trim();
            if (!name.isEmpty()) {
                present.add(name);
            }
        }
        return SettingsReader.mailet(mailet.getClass().getSimpleName(), name -> Optional.ofNullable(mailet.getInitParameter(name)))
            .requireKnownParameters(present, known);
    }

    static SettingsReader read(GenericMailet mailet, Collection<String> known) {
        return read(mailet, known, UnaryOperator.identity());
    }

    /** For a mailet that takes no parameters: refuses any, as the container's exception. */
    static void requireNone(GenericMailet mailet) throws MessagingException {
        try {
            read(mailet, List.of());
        } catch (SettingProblem.Invalid e) {
            throw problem(e);
        }
    }

    /** The mailet container's exception for a bad parameter, its message the one line of the problem. */
    static MessagingException problem(SettingProblem.Invalid invalid) {
        return new MessagingException(invalid.getMessage());
    }
}
