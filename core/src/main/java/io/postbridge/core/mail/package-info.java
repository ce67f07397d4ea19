/**
 * What Postbridge puts on a James mail, as plain names: {@link io.postbridge.core.mail.MailAttributes} lists every
 * mail attribute. No James types here; the adapters turn these names into James attributes.
 */
package io.postbridge.core.mail;
