"""The engine of visrec-desktop: plain Python and numpy, never Qt."""
