"""Operations insight: the metrics of a desk over a period, as a report (terminal, JSON,
HTML with charts). The facts come from the metrics projection
(``eventdesk.projections.metrics``); every figure is computed when asked."""
