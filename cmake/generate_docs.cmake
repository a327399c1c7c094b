# Writes the man page and the shell completions that `jsift --generate`
# prints.   cmake -DJSIFT=path/to/jsift -DOUT=dir -P generate_docs.cmake
file(MAKE_DIRECTORY ${OUT})
foreach(pair "man;jsift.1" "complete-bash;jsift.bash" "complete-zsh;_jsift" "complete-fish;jsift.fish")
  list(GET pair 0 kind)
  list(GET pair 1 name)
  execute_process(COMMAND ${JSIFT} --generate ${kind} OUTPUT_FILE ${OUT}/${name} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "jsift --generate ${kind} failed (${rc})")
  endif()
endforeach()
