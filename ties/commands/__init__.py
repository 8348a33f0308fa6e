"""One module per `ties` command; each exposes a click object named ``command``."""
