/** The soak test (issue 19): the assembled server under a long mixed load with injected faults and crashes, and its ledger. */
package io.postbridge.soak;
