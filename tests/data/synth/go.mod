module pprofsynth

go 1.19
