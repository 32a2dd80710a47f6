# Thin wrapper over build.sh, for those who type make.
.PHONY: deps build test demo bench clean
deps build test demo bench:
	./build.sh $@
clean:
	rm -rf artifacts bin
