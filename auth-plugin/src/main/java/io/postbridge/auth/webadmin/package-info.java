/**
 * WebAdmin routes under {@code /postbridge/}, named in {@code conf/webadmin.properties}. Every route class reads
 * its requests with {@link io.postbridge.auth.webadmin.JsonBody} and registers its routes with
 * {@link io.postbridge.auth.webadmin.WebAdminRoutes}, the one place where exceptions become HTTP statuses. Rules
 * (what may be changed, and what follows) are core's, e.g. {@code AccountAdministration}.
 */
package io.postbridge.auth.webadmin;
