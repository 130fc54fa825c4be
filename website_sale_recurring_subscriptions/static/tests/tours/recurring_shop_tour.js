import { registry } from "@web/core/registry";
import * as tourUtils from "@website_sale/js/tours/tour_utils";

/**
 * Tour (a): a logged-in shopper buys a recurring product with a plan and pays by card
 * (demo provider). Started by tests/test_shop_tour.py, which checks the subscription.
 */
registry.category("web_tour.tours").add("recurring_shop_buy_subscription", {
    url: "/shop",
    steps: () => [
        ...tourUtils.searchProduct("Coworking membership"),
        {
            content: "Open the recurring product",
            trigger: ".oe_product_cart a:contains(Coworking membership)",
            run: "click",
        },
        {
            content: "The plans are listed with their price per period and discount",
            trigger: ".o_recurring_plan:contains(Yearly):contains(180.00):contains(-10%)",
        },
        {
            content: "A plan with a fixed number of periods",
            trigger: ".o_recurring_plan label:contains(Ten weeks)",
            run: "click",
        },
        {
            content: "... lets the shopper choose no end",
            trigger: ".o_recurring_plan_options:has(.o_recurring_end_options.d-none)",
        },
        {
            content: "Choose the yearly plan",
            trigger: ".o_recurring_plan label:contains(Yearly)",
            run: "click",
        },
        {
            content: "End it after a number of deliveries",
            trigger: ".o_recurring_end_options select[name=recurring_end_mode]",
            run: "select count",
        },
        {
            content: "Three deliveries",
            trigger: ".o_recurring_end_options input[name=recurring_period_count]",
            run: "edit 3",
        },
        {
            content: "Add it to the cart",
            trigger: "#product_detail form #add_to_cart",
            run: "click",
        },
        tourUtils.goToCart(),
        {
            content: "The cart line keeps the yearly plan",
            trigger:
                ".o_recurring_line_info:contains(Yearly):contains(180.00):contains(ends):contains(Next payment)",
        },
        {
            content: "The recurring total is shown next to today's total",
            trigger: "tr.o_recurring_total:contains(Yearly):contains(180.00)",
        },
        tourUtils.goToCheckout(),
        ...tourUtils.payWithDemo(),
        {
            content: "The confirmation page lists the subscription and where to manage it",
            trigger:
                "#recurring_confirmation_subscriptions:has(a[href^='/my/subscriptions/']):has(a[href='/my/subscriptions'])",
        },
    ],
});

/**
 * A free trial: nothing is due today, the plan has terms. The payment form saves the
 * card without charging it once the terms are accepted. Started by
 * tests/test_shop_tour.py, which checks the subscription and the card.
 */
registry.category("web_tour.tours").add("recurring_shop_trial_saves_card", {
    url: "/shop",
    steps: () => [
        ...tourUtils.searchProduct("Coworking membership"),
        {
            content: "Open the recurring product",
            trigger: ".oe_product_cart a:contains(Coworking membership)",
            run: "click",
        },
        {
            content: "Choose the plan with a free trial",
            trigger: ".o_recurring_plan label:contains(Monthly with trial)",
            run: "click",
        },
        {
            content: "Its terms can be read",
            trigger: ".o_recurring_plan_terms summary:contains(Monthly with trial)",
            run: "click",
        },
        {
            content: "They are shown",
            trigger: ".o_recurring_plan_terms:contains(Cancel any time during the trial)",
        },
        {
            content: "Add it to the cart",
            trigger: "#product_detail form #add_to_cart",
            run: "click",
        },
        tourUtils.goToCart(),
        {
            content: "Nothing is due today for the trial",
            trigger: ".o_recurring_line_info:contains(Free trial until):contains(Nothing to pay today)",
        },
        tourUtils.goToCheckout(),
        {
            content: "The payment page says nothing is charged",
            trigger: ".o_recurring_card_validation:contains(Nothing is charged today)",
        },
        {
            content: "Select the demo card",
            trigger: "input[name='o_payment_radio'][data-payment-method-code='demo']",
            run: "click",
        },
        {
            content: "Enter the card number",
            trigger: "input[name='customer_input']",
            run: "edit 4242424242424242",
        },
        {
            content: "The card cannot be saved before the terms are accepted",
            trigger: "button[name='o_payment_submit_button']:disabled:contains(Save my card and subscribe)",
        },
        {
            content: "Accept the terms",
            trigger: "#recurring_terms_checkbox",
            run: "check",
        },
        {
            content: "Save the card and subscribe",
            trigger: "button[name='o_payment_submit_button']:enabled",
            run: "click",
        },
        {
            content: "The confirmation says the card is saved and nothing charged",
            trigger: "#recurring_confirmation_subscriptions .o_recurring_card_saved",
        },
    ],
});
