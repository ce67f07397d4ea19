package io.postbridge.core.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class DeliveryReportDetectorTest {

    @Test
    void recognisesRfc3464Reports() {
        assertThat(DeliveryReportDetector.isDeliveryStatusReport(
            Optional.of("multipart/report; report-type=delivery-status;\r\n\tboundary=\"abc\""))).isTrue();
        assertThat(DeliveryReportDetector.isDeliveryStatusReport(
            Optional.of("Multipart/Report; Report-Type=\"Delivery-Status\"; boundary=x"))).isTrue();
    }

    @Test
    void otherReportsAndOrdinaryMailAreNotDeliveryReports() {
        assertThat(DeliveryReportDetector.isDeliveryStatusReport(
            Optional.of("multipart/report; report-type=disposition-notification; boundary=x"))).isFalse();
        assertThat(DeliveryReportDetector.isDeliveryStatusReport(Optional.of("text/plain; charset=utf-8"))).isFalse();
        assertThat(DeliveryReportDetector.isDeliveryStatusReport(Optional.empty())).isFalse();
    }

    @Test
    void arfComplaintsAreHandledWithBounces() {
        Optional<String> arf = Optional.of("multipart/report; report-type=feedback-report; boundary=x");
        assertThat(DeliveryReportDetector.isFeedbackReport(arf)).isTrue();
        assertThat(DeliveryReportDetector.isBounce(false, arf, Optional.of("fbl"))).isTrue();
        assertThat(DeliveryReportDetector.isDeliveryStatusReport(arf)).isFalse();
    }

    @Test
    void malformedContentTypeIsNotAReport() {
        assertThat(DeliveryReportDetector.isDeliveryStatusReport(Optional.of("multipart/report; report-type=\"unterminated")))
            .isFalse();
    }

    @Test
    void freeFormBounceNeedsNullSenderAndDaemonFrom() {
        Optional<String> text = Optional.of("text/plain");
        assertThat(DeliveryReportDetector.isBounce(true, text, Optional.of("MAILER-DAEMON"))).isTrue();
        assertThat(DeliveryReportDetector.isBounce(true, text, Optional.of("postmaster"))).isTrue();
        assertThat(DeliveryReportDetector.isBounce(false, text, Optional.of("MAILER-DAEMON"))).isFalse();
        assertThat(DeliveryReportDetector.isBounce(true, text, Optional.of("alice"))).isFalse();
    }
}
