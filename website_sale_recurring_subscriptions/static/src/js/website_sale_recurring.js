/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { WebsiteSale } from "@website_sale/js/website_sale";
// Loaded first: it defines `_getAdditionalRpcParams` without calling `_super`.
import "@website_sale/js/website_sale_configurators";

/**
 * Read the subscription options of the product page form (plan, start date, end).
 *
 * @param {HTMLElement|undefined} form
 * @returns {Object} the `recurring_*` params of `/shop/cart/update(_json)`, or {}
 */
function getRecurringOptions(form) {
    const block = form?.querySelector(".o_recurring_plan_options");
    if (!block) {
        return {};
    }
    const value = (selector) => block.querySelector(selector)?.value || "";
    const options = {
        recurring_plan_id: value("input[name='recurring_plan_id']:checked"),
        recurring_start_date: value("input[name='recurring_start_date']"),
    };
    const endMode = value("select[name='recurring_end_mode']");
    const endOptions = block.querySelector(".o_recurring_end_options");
    if (endOptions && !endOptions.classList.contains("d-none")) {
        if (endMode === "date") {
            options.recurring_end_date = value("input[name='recurring_end_date']");
        } else if (endMode === "count") {
            options.recurring_period_count = value("input[name='recurring_period_count']");
        }
    }
    return Object.fromEntries(Object.entries(options).filter(([, v]) => v));
}

WebsiteSale.include({
    /**
     * The cart line keeps the plan chosen on the product page.
     *
     * @override
     */
    _updateRootProduct($form) {
        this._super(...arguments);
        Object.assign(this.rootProduct, getRecurringOptions($form[0]));
    },

    /**
     * Same options when the product configurator (optional products) adds to cart.
     *
     * @override
     */
    _getAdditionalRpcParams() {
        return { ...this._super(...arguments), ...getRecurringOptions(this.$form?.[0]) };
    },
});

/**
 * Show the end choice only for plans that allow it, the chosen plan's terms, and the
 * end input matching the choice.
 */
publicWidget.registry.RecurringPlanOptions = publicWidget.Widget.extend({
    selector: ".o_recurring_plan_options",
    events: {
        "change input[name='recurring_plan_id']": "_update",
        "change select[name='recurring_end_mode']": "_update",
    },

    start() {
        this._update();
        return this._super(...arguments);
    },

    _update() {
        const plan = this.el.querySelector("input[name='recurring_plan_id']:checked");
        const endOptions = this.el.querySelector(".o_recurring_end_options");
        endOptions.classList.toggle("d-none", !plan || Boolean(plan.dataset.limited));
        const endMode = this.el.querySelector("select[name='recurring_end_mode']").value;
        this.el
            .querySelector("input[name='recurring_end_date']")
            .classList.toggle("d-none", endMode !== "date");
        this.el
            .querySelector("input[name='recurring_period_count']")
            .classList.toggle("d-none", endMode !== "count");
        for (const terms of this.el.querySelectorAll(".o_recurring_plan_terms")) {
            terms.classList.toggle("d-none", !plan || terms.dataset.planId !== plan.value);
        }
    },
});
