"""The economy's machinery: the ledger, the mechanisms, the metrics and the generic MarketModel."""
