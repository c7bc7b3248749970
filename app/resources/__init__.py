"""Files the application loads at run time (icons), read with importlib.resources."""
