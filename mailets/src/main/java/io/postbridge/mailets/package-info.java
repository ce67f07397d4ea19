/**
 * Postbridge's mailets, named in {@code conf/mailetcontainer.xml}: ApiDelivery (Gmail and Graph, with its queue
 * worker), AliasForward, DkimSign, RecordMailEvent. Their parameters are read with core's {@code SettingsReader}
 * ({@code MailetParameters}); their logic is core's.
 */
package io.postbridge.mailets;
