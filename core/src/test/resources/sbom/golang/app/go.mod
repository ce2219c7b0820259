module github.com/example/fixture-cli

go 1.21

require (
	example.com/fixture/shared v0.0.0
	github.com/BurntSushi/toml v1.3.2
	github.com/spf13/cobra v1.8.0
	golang.org/x/net v0.17.0
)

require (
	github.com/cpuguy83/go-md2man/v2 v2.0.3 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/russross/blackfriday/v2 v2.1.0 // indirect
	github.com/spf13/pflag v1.0.5 // indirect
	golang.org/x/text v0.14.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

// the shared package lives in this repository
replace example.com/fixture/shared => ./shared

// security fix for CVE-2023-45288
replace golang.org/x/net v0.17.0 => golang.org/x/net v0.23.0

exclude golang.org/x/text v0.13.0
