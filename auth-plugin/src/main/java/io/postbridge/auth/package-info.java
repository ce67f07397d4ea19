/**
 * The Guice module an operator names in {@code conf/extensions.properties} ({@link io.postbridge.auth.PostbridgeModule}),
 * and, in the sub-packages, the James adapters it wires: SMTP hooks ({@code smtp}), WebAdmin routes ({@code webadmin}),
 * the alias and DKIM bindings. Despite the name (kept: operators type it), not only authentication lives here.
 * No business rule lives here: that is {@code io.postbridge.core}; this module only translates between James and core.
 */
package io.postbridge.auth;
