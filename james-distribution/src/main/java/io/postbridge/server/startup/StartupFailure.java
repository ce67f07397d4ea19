package io.postbridge.server.startup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Turns the exception that stopped start-up into the one line an operator needs to read. */
public final class StartupFailure {
    /** The mark of a message built by Postbridge's {@code SettingProblem}: "file: setting X: problem". */
    private static final String SETTING_PROBLEM_MARK = ": setting ";

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
            String message = cause.getMessage();
            String first = message == null ? cause.getClass().getSimpleName() : message.trim().split("\\R", 2)[0];
            if (!first.isEmpty()) {
                lines.add(first);
            }
        }
        return String.join(" <- ", lines);
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
