#include "core/version.hpp"
#include <cstdio>
int main() { std::printf("minetrace %s\n", minetrace::kVersion); return 0; }
