"""Read and write logic: loaders, query builders and the visibility rule of each type."""
