package io.postbridge.core.dkim.config;

/** A DkimSign setting is wrong; {@link #setting()} names it as the operator wrote it. */
public class DkimSignConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public DkimSignConfigurationException(String setting, String problem) {
        super(problem);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
