"""The curator's loop: scaffold an article or entity, rebuild on every save, review what changed."""
