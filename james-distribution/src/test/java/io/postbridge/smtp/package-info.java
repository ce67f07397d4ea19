/** SMTP delivery (SmtpDelivery) through an in-process James: smarthost, direct MX, pooled connections. */
package io.postbridge.smtp;
