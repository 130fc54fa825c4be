/** @odoo-module **/

import { rpc } from "@web/core/network/rpc";
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

    /**
     * The price shown is the chosen plan's, also after a variant change.
     *
     * @override
     */
    _onChangeCombination(ev, $parent) {
        const result = this._super(...arguments);
        showPlanPrice($parent?.[0]);
        return result;
    },

    /**
     * The server checks the subscription options before anything is added: a refused
     * option is shown next to its input and the product is not added.
     *
     * @override
     */
    async _handleAdd($form) {
        // `_super` is only set until the first `await`.
        const _super = this._super.bind(this);
        const block = $form?.[0]?.querySelector(".o_recurring_plan_options");
        if (block) {
            const options = getRecurringOptions($form[0]);
            const value = (name) => $form[0].querySelector(`input[name='${name}']`)?.value;
            const answer = await rpc("/shop/recurring/check_options", {
                product_id: parseInt(value("product_id") || 0),
                product_template_id: parseInt(value("product_template_id") || 0),
                ...options,
            });
            showRecurringError(block, answer);
            if (answer.recurring_error) {
                return;
            }
        }
        return _super(...arguments);
    },
});

/**
 * Show the chosen plan's price in the product price.
 *
 * @param {HTMLElement|undefined} root the product block
 */
function showPlanPrice(root) {
    const plan = (root || document).querySelector("input[name='recurring_plan_id']:checked");
    const price = (root || document).querySelector(".oe_price .oe_currency_value");
    if (plan?.dataset.priceFormatted && price) {
        price.textContent = plan.dataset.priceFormatted;
        (root || document).querySelector(".oe_default_price")?.classList.add("d-none");
    }
}

/**
 * Show the server's message under the input it is about (or clear it).
 *
 * @param {HTMLElement} block the subscription options
 * @param {Object} answer `{recurring_error, recurring_field}`
 */
function showRecurringError(block, answer) {
    for (const el of block.querySelectorAll(".o_recurring_error")) {
        el.remove();
    }
    for (const el of block.querySelectorAll(".is-invalid")) {
        el.classList.remove("is-invalid");
    }
    if (!answer?.recurring_error) {
        return;
    }
    const input =
        block.querySelector(`[name='${answer.recurring_field}']:not(.d-none)`) ||
        block.querySelector("input[name='recurring_plan_id']:checked");
    const message = document.createElement("div");
    message.className = "o_recurring_error invalid-feedback d-block";
    message.setAttribute("role", "alert");
    message.textContent = answer.recurring_error;
    input?.classList.add("is-invalid");
    (input?.closest(".form-check, div") || block).append(message);
}

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
        if (plan) {
            const startLabel = this.el.querySelector(".o_recurring_start_label");
            if (startLabel) {
                startLabel.textContent = plan.dataset.startLabel;
            }
            const countOption = this.el.querySelector(".o_recurring_period_count_option");
            if (countOption) {
                countOption.textContent = plan.dataset.countOption;
            }
            showPlanPrice(this.el.closest(".js_product") || undefined);
        }
    },
});
