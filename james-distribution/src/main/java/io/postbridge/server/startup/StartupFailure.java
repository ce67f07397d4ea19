package io.postbridge.server.startup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;

/** Turns the exception that stopped start-up into the one line an operator needs to read. */
public final class StartupFailure {
    /** The mark of a message built by Postbridge's {@code SettingProblem}: "file: setting X: problem". */
    private static final String SETTING_PROBLEM_MARK = ": setting ";
    private static final String GUICE_MISSING_IMPLEMENTATION = "No implementation for ";
    /** The usual cause when a Postbridge class cannot get its dependencies. */
    private static final String MISSING_MODULE_HINT = " (for a Postbridge type: does conf/extensions.properties set "
        + "guice.extension.module=io.postbridge.auth.PostbridgeModule?)";

    private StartupFailure() {
    }

    public static String oneLine(Throwable failure) {
        List<Throwable> chain = chain(failure);
        for (Throwable cause : chain) {
            if (isSettingProblem(cause.getMessage())) {
                return cause.getMessage();
            }
        }
        // Guice's messages are long and multi-line; keep the distinct first lines of the chain, deepest last
        Set<String> lines = new LinkedHashSet<>();
        for (Throwable cause : chain) {
            for (Message guiceError : guiceErrors(cause)) {
                String first = firstLine(guiceError.getMessage());
                lines.add(first.contains(GUICE_MISSING_IMPLEMENTATION) ? first + MISSING_MODULE_HINT : first);
            }
            String message = cause.getMessage();
            if (!guiceErrors(cause).isEmpty()) {
                continue;
            }
            String first = message == null ? cause.getClass().getSimpleName() : message.trim().split("\\R", 2)[0];
            if (!first.isEmpty()) {
                lines.add(first);
            }
        }
        return String.join(" <- ", lines);
    }

    private static java.util.Collection<Message> guiceErrors(Throwable cause) {
        if (cause instanceof ProvisionException) {
            return ((ProvisionException) cause).getErrorMessages();
        }
        if (cause instanceof CreationException) {
            return ((CreationException) cause).getErrorMessages();
        }
        return List.of();
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.trim().split("\\R", 2)[0];
    }

    private static boolean isSettingProblem(String message) {
        return message != null && message.contains(SETTING_PROBLEM_MARK) && !message.contains("\n");
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
