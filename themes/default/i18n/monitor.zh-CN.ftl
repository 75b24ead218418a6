# Messages of the oversight desk: alerts, the dashboard and their delivery.
