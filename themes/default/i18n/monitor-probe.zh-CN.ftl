# Messages of the availability probe and security signals.
