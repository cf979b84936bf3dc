"""The currencies prices are given in: those of the network's countries, named in the reader's
language (Babel's CLDR names), so that nobody types a code."""

from babel import Locale
from babel.numbers import format_currency, get_currency_name
from django.utils.translation import get_language

# ISO 4217 codes of the francophone world, the most used first.
CURRENCIES = [
    "EUR",  # France, Belgium, Luxembourg, Monaco, overseas departments
    "XOF",  # franc CFA of West Africa (Senegal, Côte d’Ivoire, Burkina Faso, Mali, Benin…)
    "XAF",  # franc CFA of Central Africa (Cameroon, Gabon, Congo, Chad…)
    "CAD",
    "CHF",
    "MAD",
    "TND",
    "DZD",
    "HTG",
    "XPF",  # franc Pacifique (New Caledonia, French Polynesia)
    "KMF",
    "GNF",
    "MGA",
    "MUR",
    "CDF",
    "BIF",
    "RWF",
    "DJF",
    "MRU",
    "SCR",
    "VUV",
    "LBP",
    "USD",
]


def currency_choices():
    """(code, "EUR – euro") pairs in the active language."""
    locale = (get_language() or "fr").split("-")[0]
    return [(code, f"{code} – {get_currency_name(code, locale=locale)}") for code in CURRENCIES]


def price_in_words(amount, currency):
    """A price as the reader's language writes it: "45 €", "12,50 F CFA"; "€45" in English.
    Cents only when there are some, whatever the currency's usual digits (CFA francs have
    none, but a price typed with cents keeps them)."""
    locale = Locale.parse((get_language() or "fr").split("-")[0])
    pattern = locale.currency_formats["standard"].pattern
    if amount == amount.to_integral_value():
        pattern = pattern.replace("0.00", "0")
    return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False)
