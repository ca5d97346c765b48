"""Per-language knowledge: dates, digits and plural forms (``locales``), Khmer word breaks and
clusters (``khmer``), French spacing and English quotes (``typography``)."""
