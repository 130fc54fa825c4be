/** @odoo-module **/

import { Component } from "@odoo/owl";
import paymentButton from "@payment/js/payment_button";
import PaymentForm from "@payment/js/payment_form";
import publicWidget from "@web/legacy/js/public/public_widget";

function termsCheckbox() {
    return document.querySelector("#recurring_terms_checkbox");
}

paymentButton.include({
    /**
     * A cart with subscription terms is paid once they are accepted.
     *
     * @override
     */
    _canSubmit() {
        const checkbox = termsCheckbox();
        return this._super(...arguments) && (!checkbox || checkbox.checked);
    },
});

PaymentForm.include({
    /**
     * Tell the shop's transaction route that the terms were accepted; it records it.
     *
     * @override
     */
    _prepareTransactionRouteParams() {
        const params = this._super(...arguments);
        const checkbox = termsCheckbox();
        if (checkbox) {
            params.recurring_terms_accepted = checkbox.checked;
        }
        return params;
    },
});

publicWidget.registry.RecurringTermsCheckbox = publicWidget.Widget.extend({
    selector: "#recurring_terms",
    events: {
        "change #recurring_terms_checkbox": "_onChangeTerms",
    },

    _onChangeTerms(ev) {
        Component.env.bus.trigger(
            ev.currentTarget.checked ? "enablePaymentButton" : "disablePaymentButton"
        );
    },
});
