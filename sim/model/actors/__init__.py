"""One module per actor of the chain, in the order a case meets them."""
